package dev.switchboard.it;

import dev.switchboard.testing.CloseCodeLoops;
import dev.switchboard.testing.CloseCodeLoops.Offence;
import dev.switchboard.testing.HandshakeLoops;
import dev.switchboard.testing.RequestLoops;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;

/**
 * Every server-initiated close delivers its code in each container, on an idle socket and while the server pushes a
 * stream to it (the loops of {@link CloseCodeLoops}; the runner's twin is {@code standalone/CloseCodeLoopTest}).
 * Tomcat lost these codes when a close met an async send in flight (docs/reliability.md).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CloseCodeLoopIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar(CloseCodeLoops.SETTINGS);
    }

    @ArquillianResource
    private URL url;

    private CloseCodeLoops loops() {
        return new CloseCodeLoops(Deployments.base(url));
    }

    /**
     * The offences this container closes for (all but unmasked frames on Tyrus-based containers, which accept them:
     * README, Conformance), or those {@code -Dswitchboard.closeOffences} names. On Tomcat too the closes Tomcat makes
     * itself on what it reads (1007 invalid UTF-8, 1002 unmasked): they reused the frame header buffer of a write of
     * ours still in progress and reached the client as a corrupt frame, about 1 in 100 while streaming (a Tomcat bug,
     * docs/reliability.md), until our message frames were written below Tomcat's frame layer ({@code TomcatFrames}).
     */
    private List<Offence> offences() {
        return List.of(Offence.values()).stream()
                .filter(o -> o != Offence.UNMASKED || !Deployments.onGrizzly())
                .filter(CloseCodeLoops::selected)
                .toList();
    }

    @Test
    void idle() throws Exception {
        loops().loops(offences(), false, CloseCodeLoops.iterations());
    }

    @Test
    void streaming() throws Exception {
        loops().loops(offences(), true, CloseCodeLoops.iterations());
    }

    @Test
    void closedWhileSending() throws Exception {
        loops().closedWhileSending(CloseCodeLoops.iterations());
    }

    /**
     * Six clients of half the rounds each (the runner's twin: three of all of them): Payara defers each refused
     * socket's close by {@code SETTLE_MS}, and the clients spend those waits together.
     */
    @Test
    void refusalsBesideOthers() throws Exception {
        loops().refusalsBesideOthers(CloseCodeLoops.iterations() / 2, 6);
    }

    @Test
    void closesBesideRequests() throws Exception {
        new RequestLoops(loops()).closesBesideRequests(CloseCodeLoops.iterations(), 3, "index.html");
    }

    /**
     * In Payara and GlassFish, every handshake here meets the ends of other sockets, and their Grizzly sometimes hands
     * a request a response packet such an end left committed (1 socket in 18 000 with six clients): each must still get
     * its 101 and its frames ({@code web/StaleResponses}; docs/reliability.md, "Payara: a 101 lost to a response
     * packet left committed"). Twelve clients of half the sockets each: the closes' waits (above) overlap.
     */
    @Test
    void handshakesBesideCloses() throws Exception {
        new HandshakeLoops(loops()).handshakesBesideCloses(CloseCodeLoops.iterations() / 2, 12);
    }

    @Test
    void tokenExpiry() throws Exception {
        loops().tokenExpiry(CloseCodeLoops.iterations(), 30);
    }
}
