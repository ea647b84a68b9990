/** Topics Switchboard publishes by itself: the cluster's {@code stats} and the {@code demo} value of the bundled page. */
package dev.switchboard.feeds;
