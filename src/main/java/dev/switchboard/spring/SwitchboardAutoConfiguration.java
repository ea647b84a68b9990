package dev.switchboard.spring;

import dev.switchboard.Switchboard;
import dev.switchboard.api.Notifier;
import dev.switchboard.metrics.SwitchboardMetrics;
import dev.switchboard.settings.Settings;
import dev.switchboard.web.SwitchboardInitializer;
import io.micrometer.core.instrument.binder.MeterBinder;
import jakarta.websocket.server.ServerContainer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnNotWarDeployment;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;

/**
 * Switchboard in a Spring Boot 3 web application on its embedded server: adding the classes jar is enough. Spring
 * Boot's embedded Tomcat runs no {@code ServletContainerInitializer} of a jar, so {@code SwitchboardInitializer} does
 * not run there by itself; this auto-configuration (listed in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}) has it register the same
 * things through a {@link ServletContextInitializer}: endpoints at {@code chatPath} and {@code notificationsPath},
 * the HTTP API at {@code apiPath}, the handshake and login-session filters; the JavaScript client is served from the
 * jar's {@code META-INF/resources} by Boot itself.
 *
 * <p>Beans: the {@link Settings} (from {@code switchboard.*} in the Spring environment, {@link SpringSettings}), the
 * running {@link Switchboard}, a {@link Notifier} to inject (publishing inside {@code @Transactional} waits for the
 * commit, see {@code dev.switchboard.api.Notifications}; with {@code switchboard.db-use-app-data-source=true} it goes
 * through the outbox in the transaction's own connection, durable), and, where Micrometer is there, Switchboard's meters as a
 * {@link MeterBinder}, which Spring Boot binds into its registry (Actuator's {@code /actuator/prometheus}).
 *
 * <p>Identity: the handshake's principal, which Spring Security's filter chain provides. This initializer runs first
 * ({@link Ordered#HIGHEST_PRECEDENCE}): the login-session filter is mapped before Spring Security's, so that its
 * logout (which invalidates the session) closes the login's sockets with 4401 before Tomcat closes them with 1008;
 * the handshake filter is mapped after every other application filter, so that it sees Spring Security's principal.
 *
 * <p>Not here: a Spring Boot application deployed as a WAR to an external container
 * ({@code @ConditionalOnNotWarDeployment}): there the container runs {@code SwitchboardInitializer} from the jar as
 * in any web application. {@code switchboard.enabled=false} switches the auto-configuration off.
 */
@AutoConfiguration(afterName = "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnNotWarDeployment
@ConditionalOnClass({ServerContainer.class, ServletContextInitializer.class})
@ConditionalOnProperty(prefix = "switchboard", name = "enabled", havingValue = "true", matchIfMissing = true)
public class SwitchboardAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public Settings switchboardSettings(Environment environment) {
        return SpringSettings.from(environment);
    }

    /**
     * Started here, handed to the web layer when the servlet context initialises; closed with the application. With
     * {@code switchboard.db-use-app-data-source=true} the application's DataSource (the only one, or the
     * {@code @Primary} one) is Switchboard's database; started after the application's database initialisation
     * (schema.sql, Flyway, Liquibase), so that the tables of {@code dbWatch} exist by then.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    public Switchboard switchboard(Settings switchboardSettings, ObjectProvider<DataSource> dataSources) {
        DataSource app = null;
        if (switchboardSettings.getBoolean(Settings.Key.DB_USE_APP_DATA_SOURCE)) {
            app = dataSources.getIfUnique();
            if (app == null) {
                throw new IllegalStateException("switchboard.db-use-app-data-source=true needs one DataSource bean "
                        + "(or one @Primary among several); this application has " + dataSources.stream().count());
            }
        }
        return Switchboard.start(switchboardSettings, app);
    }

    @Bean
    public ServletContextInitializer switchboardServletContextInitializer(Switchboard switchboard) {
        return new Initializer(switchboard);
    }

    @Bean
    @ConditionalOnMissingBean
    public Notifier switchboardNotifier(Switchboard switchboard) {
        return new Notifier();
    }

    /** Switchboard's meters, bound by Spring Boot into its Micrometer registry (the same meters as /api/metrics). */
    @Bean(destroyMethod = "") // closed with the Switchboard
    public SwitchboardMetrics switchboardMeters(Switchboard switchboard) {
        return switchboard.metrics();
    }

    /** Registers what {@code SwitchboardInitializer} registers in a container, before every other initializer. */
    static final class Initializer implements ServletContextInitializer, Ordered {

        private final Switchboard switchboard;

        Initializer(Switchboard switchboard) {
            this.switchboard = switchboard;
        }

        @Override
        public void onStartup(jakarta.servlet.ServletContext ctx) {
            SwitchboardInitializer.register(ctx, switchboard.settings(), () -> switchboard, true);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
