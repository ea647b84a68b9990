/** Every setting of Switchboard with its default, read once at start ({@link dev.switchboard.settings.Settings}). */
package dev.switchboard.settings;
