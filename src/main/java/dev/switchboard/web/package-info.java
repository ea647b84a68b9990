/** Container adapters: WebSocket endpoints, codecs, handshake checks, servlets and the web-application lifecycle. */
package dev.switchboard.web;
