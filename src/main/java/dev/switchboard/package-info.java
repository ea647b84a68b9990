/** {@link dev.switchboard.Switchboard}: one running instance, put together from its settings. */
package dev.switchboard;
