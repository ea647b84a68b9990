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

    private static final String CONTAINER = System.getProperty("arquillian.launch", "tomcat");

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
        scenarios().aPostIsRefusedBeforeItsBodyArrives(true);
    }

    @Test
    void aStalledBodyGets408() throws Exception {
        scenarios().aStalledBodyGets408AfterApiReadTimeoutMs();
    }
}
