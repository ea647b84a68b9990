/** The standalone runner: Tyrus on Grizzly serving the page, the endpoints and the HTTP API without a servlet container. */
package dev.switchboard.standalone;
