package dev.switchboard.it;

import dev.switchboard.testing.CloseCodeLoops;
import dev.switchboard.testing.CloseCodeLoops.Offence;
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

    private static final String CONTAINER = System.getProperty("arquillian.launch", "tomcat");

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
     * The offences this container closes for: Tyrus-based ones accept unmasked frames (README, Conformance). On Tomcat
     * only the closes Switchboard makes (1003, 1008, 1009; 4401 below): the ones Tomcat makes itself on what it reads
     * (1007 invalid UTF-8, 1002 unmasked) still end without a close frame about once in 500, idle or streaming, an
     * open item of docs/reliability.md (HostileInputIT still checks each once). On Payara not the flood (1008): 3 in
     * 1000 were lost, two of them with no close at all within 15 s (a close behind a write whose completion did not
     * come), also an open item there.
     */
    private List<Offence> offences() {
        return List.of(Offence.values()).stream()
                .filter(o -> o != Offence.UNMASKED || !List.of("payara", "glassfish").contains(CONTAINER))
                .filter(o -> !"tomcat".equals(CONTAINER) || (o != Offence.UNMASKED && o != Offence.INVALID_UTF8))
                .filter(o -> !"payara".equals(CONTAINER) || o != Offence.FLOOD)
                .toList();
    }

    @Test
    void idle() throws Exception {
        for (Offence offence : offences()) {
            loops().loop(offence, false, CloseCodeLoops.iterations());
        }
    }

    @Test
    void streaming() throws Exception {
        for (Offence offence : offences()) {
            loops().loop(offence, true, CloseCodeLoops.iterations());
        }
    }

    @Test
    void refusalsBesideOthers() throws Exception {
        loops().refusalsBesideOthers(CloseCodeLoops.iterations(), 3);
    }

    @Test
    void tokenExpiry() throws Exception {
        loops().tokenExpiry(false, CloseCodeLoops.iterations(), 30);
        loops().tokenExpiry(true, CloseCodeLoops.iterations(), 30);
    }
}
