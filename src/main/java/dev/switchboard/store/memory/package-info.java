/** The storage SPI in this process's memory: one node, the default. */
package dev.switchboard.store.memory;
