package dev.switchboard.web;

import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The lookups of {@link ContainerInternals} where no container is at hand (the containers themselves are exercised by
 * the ITs: {@code CloseCodeLoopIT}, {@code PingFloodIT}): a session it does not know gets {@link ContainerInternals#NONE},
 * whose every answer is "as without it", and fields are found where a superclass declares them.
 */
class ContainerInternalsTest {

    @Test
    void aSessionOfAnUnknownContainerGetsNothing() {
        Session unknown = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                });
        ContainerInternals.Socket socket = ContainerInternals.of(unknown);
        assertSame(ContainerInternals.NONE, socket);
        assertFalse(socket.closing());
        assertEquals(0, socket.pendingBytes());
        assertFalse(socket.reachesTcp());
        assertFalse(socket.terminate());
    }

    static class Base {
        private final String secret = "below the API";
    }

    static final class Derived extends Base {
    }

    @Test
    void fieldsAreFoundInSuperclassesAndAMissingOneIsSaid() throws Exception {
        assertEquals("below the API", ContainerInternals.read(new Derived(), "secret"));
        assertEquals(null, ContainerInternals.read(null, "secret"));
        assertThrows(NoSuchFieldException.class, () -> ContainerInternals.read(new Derived(), "nothing"));
    }
}
