package dev.switchboard.it;


import dev.switchboard.testing.HostileScenarios;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The hostile-input scenarios of the standalone runner, against the shipped WAR in each container. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileInputIT {

    private static final String CONTAINER = Deployments.container();

    @Deployment(testable = false)
    static WebArchive deployment() {
        Map<String, String> settings = new HashMap<>(HostileScenarios.SETTINGS);
        settings.put("publisherKey", Deployments.PUBLISHER_KEY);
        return Deployments.shippedWar(settings);
    }

    @ArquillianResource
    private URL url;

    private HostileScenarios scenarios() {
        return new HostileScenarios(Deployments.base(url));
    }

    @Test
    void foreignOrigin() throws Exception {
        if (List.of("wildfly", "jetty").contains(CONTAINER)) {
            return; // these upgrade before filters run: covered by ContainerIT (closed 1008 or refused)
        }
        scenarios().foreignOriginIsRefusedBeforeTheUpgrade();
    }

    @Test
    void oversizeText() throws Exception {
        scenarios().oversizeTextClosesWith1009InOneFrameOrInFragments();
    }

    @Test
    void fragmentedAndLongText() throws Exception {
        scenarios().fragmentedAndLongMessagesAreAssembled();
    }

    @Test
    void limitIsUtf8BytesOfTheWholeMessage() throws Exception {
        scenarios().theLimitIsUtf8BytesOfTheWholeMessage();
    }

    @Test
    void binaryFrame() throws Exception {
        scenarios().binaryClosesWith1003();
    }

    @Test
    void invalidUtf8() throws Exception {
        scenarios().invalidUtf8ClosesWith1007();
    }

    @Test
    void unmaskedFrame() throws Exception {
        // Tomcat closes 1002 as RFC 6455 requires; Tyrus-based Payara and GlassFish accept it (README, Conformance).
        scenarios().unmaskedFrame(!Deployments.onGrizzly(), "tomcat".equals(CONTAINER));
    }

    @Test
    void badJsonAndUnknownTypes() throws Exception {
        scenarios().badJsonAndUnknownTypesGetErrorFramesAndTheConnectionStaysOpen();
    }

    @Test
    void messageFlood() throws Exception {
        scenarios().aMessageFloodIsLimitedThenClosedWith1008();
    }

    @Test
    void connectionFlood() throws Exception {
        scenarios().aConnectionFloodGets4429();
    }

    @Test
    void stalledHugeFrame() throws Exception {
        // Jetty refuses the declared length itself (1009); the others leave it to Switchboard's heartbeat (4002).
        scenarios().aStalledHugeFrameIsClosed("jetty".equals(CONTAINER) ? 1009 : 4002);
    }

    @Test
    void abruptResetMidFrame() throws Exception {
        scenarios().anAbruptResetMidFrameReleasesEverything();
    }
}
