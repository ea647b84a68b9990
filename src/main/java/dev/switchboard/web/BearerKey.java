package dev.switchboard.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks an {@code Authorization: Bearer <key>} header against a configured key in constant time: both sides are
 * hashed (SHA-256) first, so the comparison takes as long whatever the presented key's length and content, and
 * neither key's length leaks through timing.
 */
final class BearerKey {

    private BearerKey() {
    }

    /** The presented key of an {@code Authorization} header ({@code Bearer} in any case), or "" when there is none. */
    static String presented(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : "";
    }

    /** Whether the header presents {@code key}; never true for an empty key. */
    static boolean matches(String key, String authorization) {
        if (key == null || key.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(sha256(key), sha256(presented(authorization)));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
