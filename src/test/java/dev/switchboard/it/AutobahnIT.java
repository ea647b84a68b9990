package dev.switchboard.it;


import dev.switchboard.testing.AutobahnCases;
import dev.switchboard.testing.EchoEndpoint;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

/**
 * Issue 5: the Autobahn TestSuite fuzzing client (cases 1-7 and 10) against a test-only echo endpoint deployed
 * beside Switchboard in the shipped WAR, so Switchboard's filters and listeners are in place. Tomcat only (tag
 * {@code autobahn}, excluded by the other Failsafe executions). Report: target/autobahn/tomcat.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Tag("autobahn")
class AutobahnIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar().addClass(EchoEndpoint.class);
    }

    @ArquillianResource
    private URL url;

    @Test
    void echoEndpointPassesAutobahnCases1To7And10() throws Exception {
        String server = System.getProperty("arquillian.launch", "tomcat");
        AutobahnCases.runAndCheck(server, "Switchboard-WAR-" + server,
                AutobahnCases.ws(Deployments.base(url).resolve("test/echo")));
    }
}
