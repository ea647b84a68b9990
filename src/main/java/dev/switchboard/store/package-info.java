/**
 * The storage SPI, one interface per concern ({@link dev.switchboard.store.Storage}), and the values it passes.
 * Implementations live in sub-packages; nothing here knows the wire protocol.
 */
package dev.switchboard.store;
