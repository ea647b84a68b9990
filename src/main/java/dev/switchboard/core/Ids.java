package dev.switchboard.core;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/** Short random identifiers: message ids and session ids (epochs: {@link dev.switchboard.store.Epochs}). */
public final class Ids {

    private static final char[] ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final SecureRandom SECURE = new SecureRandom();

    private Ids() {
    }

    /** A message id: 16 characters, unique enough for a message (not a secret). */
    public static String message() {
        return random(16, false);
    }

    /** A session id: 20 characters from a secure random source. */
    public static String session() {
        return random(20, true);
    }

    private static String random(int length, boolean secure) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            int n = secure ? SECURE.nextInt(ALPHABET.length) : ThreadLocalRandom.current().nextInt(ALPHABET.length);
            out[i] = ALPHABET[n];
        }
        return new String(out);
    }
}
