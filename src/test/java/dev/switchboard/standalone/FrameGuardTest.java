package dev.switchboard.standalone;

import dev.switchboard.settings.Settings;
import dev.switchboard.testing.EchoEndpoint;
import dev.switchboard.testing.RawHandshake;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runner's {@link FrameGuard}, with raw frames (Autobahn 7.1.6 showed Tyrus's own answer: 1011 "Buffer overflow").
 * heartbeatMs is long here, so a 1009 cannot be mistaken for the heartbeat's 4002.
 */
class FrameGuardTest {

    static Runner runner;

    @BeforeAll
    static void start() throws IOException {
        runner = Runner.start(Settings.of(Map.of("statsIntervalMs", "0", "demoIntervalMs", "0",
                "heartbeatMs", "60000")), "127.0.0.1", 0, null, EchoEndpoint.class);
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
    }

    @Test
    void aFrameDeclaring2To62BytesIsClosed1009AtOnce() throws IOException {
        try (Raw ws = new Raw("/ws/chat?name=huge")) {
            ws.write(new byte[] {(byte) 0x81, (byte) 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 'x'});
            assertEquals(1009, ws.awaitCloseCode());
        }
    }

    @Test
    void aFrameLargerThanTyrusBufferIsClosed1009NotBufferOverflow() throws IOException {
        try (Raw ws = new Raw("/test/echo")) {
            // The header of a 300 KiB frame and its first KiB, not all of it: the guard closes on the header, and a
            // client still writing when the server closes gets a reset ("Broken pipe") instead of the close frame.
            // Without the guard Tyrus would wait for the rest, and no close would come.
            byte[] frame = Raw.frame(0x1, new byte[300 * 1024]);
            ws.write(Arrays.copyOf(frame, 14 + 1024));
            assertEquals(1009, ws.awaitCloseCode());
        }
    }

    @Test
    void anUnmaskedClientFrameIsClosed1002() throws IOException {
        try (Raw ws = new Raw("/test/echo")) {
            ws.write(new byte[] {(byte) 0x81, 0x02, 'h', 'i'});
            assertEquals(1002, ws.awaitCloseCode());
        }
    }

    @Test
    void aBurstOfSmallFramesLargerThanTyrusBufferIsEchoed() throws IOException {
        try (Raw ws = new Raw("/test/echo")) {
            byte[] payload = new byte[1000];
            Arrays.fill(payload, (byte) 'a');
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            int frames = 400; // ~400 KB in one write, three times Tyrus's buffer
            for (int i = 0; i < frames; i++) {
                burst.write(Raw.frame(0x1, payload));
            }
            ws.write(burst.toByteArray());
            for (int i = 0; i < frames; i++) {
                int[] opAndLength = ws.readFrame();
                assertEquals(1, opAndLength[0], "frame " + i + " is an echo, not a close");
                assertEquals(payload.length, opAndLength[1]);
            }
        }
    }

    /** Just enough of a client: handshake, masked frames out, frames in. */
    static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;
        private byte[] lastPayload;

        Raw(String path) throws IOException {
            socket = new Socket("127.0.0.1", runner.port());
            socket.setSoTimeout(20_000);
            out = socket.getOutputStream();
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + runner.port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13"
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = RawHandshake.readLine(in);
            assertTrue(status.startsWith("HTTP/1.1 101"), status);
            while (!RawHandshake.readLine(in).isEmpty()) {
                // headers
            }
        }

        static byte[] frame(int opcode, byte[] payload) {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write(0x80 | opcode);
            int n = payload.length;
            if (n < 126) {
                f.write(0x80 | n);
            } else if (n < 65536) {
                f.write(0x80 | 126);
                f.write(n >>> 8);
                f.write(n);
            } else {
                f.write(0x80 | 127);
                for (int i = 7; i >= 0; i--) {
                    f.write((int) ((long) n >>> (8 * i)));
                }
            }
            f.writeBytes(new byte[4]); // mask 0: the payload goes as it is
            f.writeBytes(payload);
            return f.toByteArray();
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** {opcode, payload length} of the next frame. */
        int[] readFrame() throws IOException {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            lastPayload = new byte[(int) length];
            in.readFully(lastPayload);
            return new int[] {b0 & 0x0F, (int) length};
        }

        /** Skips data frames (a chat welcome) and returns the close code; -1 if the connection ends without one. */
        int awaitCloseCode() throws IOException {
            try {
                while (true) {
                    int[] frame = readFrame();
                    if (frame[0] == 0x8) {
                        return frame[1] >= 2 ? ((lastPayload[0] & 0xFF) << 8) | (lastPayload[1] & 0xFF) : -1;
                    }
                }
            } catch (EOFException e) {
                return -1;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
