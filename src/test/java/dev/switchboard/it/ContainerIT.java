package dev.switchboard.it;

import dev.switchboard.testing.Scenarios;
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
 * The packaged WAR in a real container (Tomcat and Payara in every build; GlassFish, WildFly and Jetty with
 * {@code -Pmore-containers}), spoken to by real WebSocket and HTTP clients from outside.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ContainerIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar();
    }

    @ArquillianResource
    private URL url;

    /** WildFly (Undertow) and Jetty upgrade before application filters run: there the fallback closes with 1008. */
    private static final boolean FILTERS_RUN_BEFORE_UPGRADE =
            !List.of("wildfly", "jetty").contains(Deployments.container());

    @Test
    void pageHealthAndForeignOriginsRefused() {
        Scenarios.pageHealthAndRefusals(Deployments.base(url), FILTERS_RUN_BEFORE_UPGRADE);
    }

    @Test
    void twoUsersChatWithPresenceAndTyping() {
        Scenarios.twoUsersChat(Deployments.base(url));
    }

    @Test
    void aReconnectingClientRecoversExactlyWhatItMissed() {
        Scenarios.recovery(Deployments.base(url));
    }

    @Test
    void whispersReachGuestsOnlineAndNoOneElse() {
        Scenarios.whisper(Deployments.base(url));
    }

    @Test
    void httpPublishReachesAWebSocketSubscriber() {
        Scenarios.httpPublishReachesSubscriber(Deployments.base(url), Deployments.PUBLISHER_KEY);
    }

    @Test
    void metricsAreScrapedFromTheWar() {
        Scenarios.metricsFollowTraffic(Deployments.base(url), Deployments.PUBLISHER_KEY);
    }

    @Test
    void aBrowsersDeflateOfferGetsPlainFrames() {
        Scenarios.deflateOfferDeclined(Deployments.base(url));
    }

    @Test
    void badInputGetsErrorFramesAndOversizeFramesClose1009() {
        Scenarios.badInput(Deployments.base(url));
    }
}
