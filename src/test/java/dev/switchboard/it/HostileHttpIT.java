package dev.switchboard.it;

import dev.switchboard.testing.HostileHttpScenarios;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.HashMap;
import java.util.Map;

/** The hostile HTTP requests of the standalone runner, against the shipped WAR in each container. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HostileHttpIT {

    private static final String CONTAINER = Deployments.container();

    @Deployment(testable = false)
    static WebArchive deployment() {
        Map<String, String> settings = new HashMap<>(HostileHttpScenarios.SETTINGS);
        settings.put("publisherKey", Deployments.PUBLISHER_KEY);
        return Deployments.shippedWar(settings);
    }

    @ArquillianResource
    private URL url;

    private HostileHttpScenarios scenarios() {
        return new HostileHttpScenarios(Deployments.base(url), Deployments.PUBLISHER_KEY);
    }

    @Test
    void aPostIsRefusedBeforeItsBodyArrives() throws Exception {
        // Payara keeps the connection open to skip the declared body (docs/security.md)
        scenarios().aPostIsRefusedBeforeItsBodyArrives(!"payara".equals(CONTAINER));
    }

    @Test
    void aStalledBodyGets408() throws Exception {
        scenarios().aStalledBodyGets408AfterApiReadTimeoutMs(!"payara".equals(CONTAINER));
    }

    @Test
    void aBadPercentEscapeInTheQueryGets400() throws Exception {
        // Undertow (WildFly) refuses such a request line itself, before the WAR sees it
        scenarios().aBadPercentEscapeInTheQueryGets400("wildfly".equals(CONTAINER));
    }

    @Test
    void deeplyNestedJsonGetsBadJson() throws Exception {
        scenarios().deeplyNestedJsonGetsBadJson();
    }

    @Test
    void errorPagesShowNoTraceNorVersion() throws Exception {
        // Payara names itself in Server and X-Powered-By headers unless its configuration says otherwise
        // (docs/security.md); the page itself is the WAR's.
        scenarios().errorPagesShowNoTraceNorVersion("no-such-page", 404, !"payara".equals(CONTAINER));
    }
}
