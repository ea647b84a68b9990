/** The wire protocol (docs/protocol.md, version 1): one record per frame, and the JSON-B codec shared by every adapter. */
package dev.switchboard.protocol;
