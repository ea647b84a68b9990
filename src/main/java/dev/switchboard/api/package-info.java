/**
 * The Java API for the application Switchboard runs in: publish notifications from any code ({@link
 * dev.switchboard.api.Notifications}), tied to the caller's JTA transaction where there is one; with CDI, an injectable
 * {@link dev.switchboard.api.Notifier} and an observer of {@link dev.switchboard.api.Notify} events.
 */
package dev.switchboard.api;

