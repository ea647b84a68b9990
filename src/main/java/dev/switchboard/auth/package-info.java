/**
 * Who may connect: the Origin check, identity (container principal, signed token, guest), and the one refusal type
 * every adapter acts on. Decided once per handshake ({@link dev.switchboard.auth.Admission}).
 */
package dev.switchboard.auth;
