package dev.switchboard.web;

import dev.switchboard.core.TextFrames;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TomcatFramePayloadTest {

    /** Tomcat's own path is handed the payload of the shared frame: exactly the text's UTF-8, for every header size. */
    @Test
    void thePayloadOfAFrameIsTheTextsUtf8WhateverTheHeaderSize() {
        for (int n : new int[] {0, 1, 125, 126, 65_535, 65_536, 70_000}) {
            String text = "ü".repeat(n / 2) + "x".repeat(n % 2); // n UTF-8 bytes
            ByteBuffer payload = TomcatInternals.payload(TextFrames.of(text));
            assertEquals(0, payload.position());
            assertEquals(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), payload, "payload of " + n + " bytes");
        }
    }
}
