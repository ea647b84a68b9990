package dev.switchboard.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The receiving side of permessage-deflate (RFC 7692) as a client does it: one decompression context, kept from
 * message to message as a browser keeps it (a fresh instance per message is a client that drops its context). Each
 * compressed message's payload is inflated with the {@code 00 00 FF FF} the sender removed appended (§7.2.2).
 */
public final class Inflating implements AutoCloseable {

    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private final Inflater inflater = new Inflater(true);

    /** A compressed message read by a client that drops its context after each message (server_no_context_takeover). */
    public static String alone(byte[] payload) throws DataFormatException {
        try (Inflating fresh = new Inflating()) {
            return fresh.inflate(payload);
        }
    }

    /** The text of one compressed message's payload. */
    public String inflate(byte[] payload) throws DataFormatException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (byte[] input : new byte[][] {payload, TAIL}) {
            inflater.setInput(input);
            int n;
            while ((n = inflater.inflate(buf)) > 0) {
                out.write(buf, 0, n);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        inflater.end();
    }
}
