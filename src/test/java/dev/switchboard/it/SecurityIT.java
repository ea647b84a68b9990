package dev.switchboard.it;

import dev.switchboard.testing.SecurityScenarios;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;

/**
 * Issue 13, identity part, in the WAR that ships (Tomcat and Payara): the servlet filter in front of the upgrade
 * resolves forwarded addresses and the same identity rules hold as on the runner ({@code IdentitySecurityTest}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecurityIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.shippedWar(SecurityScenarios.SETTINGS);
    }

    @ArquillianResource
    private URL url;

    private URI base() {
        return Deployments.base(url);
    }

    @Test
    void guestsCannotTakeAUsersIdentity() {
        SecurityScenarios.guestsCannotTakeAUsersIdentity(base());
    }

    @Test
    void guestTicketsNeverShareAName() {
        SecurityScenarios.guestTicketsNeverShareAName(base());
    }

    @Test
    void guestPatternsAndMalformedClaims() {
        SecurityScenarios.guestPatternsAndMalformedClaims(base());
    }

    @Test
    void controlCharactersInSubjectsAreRefused() {
        SecurityScenarios.controlCharactersInSubjectsAreRefused(base());
    }

    @Test
    void whispersOnlyToIdentitiesThatExist() {
        SecurityScenarios.whispersOnlyToIdentitiesThatExist(base());
    }

    @Test
    void theCapCountsForwardedAddresses() {
        SecurityScenarios.theCapCountsForwardedAddresses(base());
    }

    @Test
    void healthDetailsNeedTheKey() {
        SecurityScenarios.healthDetailsNeedTheKey(base());
    }

    @Test
    void statsAreRestricted() {
        SecurityScenarios.statsAreRestricted(base());
    }
}
