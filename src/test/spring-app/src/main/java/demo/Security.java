package demo;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A form login for everything, as an application has it. Switchboard's WebSocket paths need nothing of their own
 * (the login's session reaches the handshake); its HTTP API checks its own bearer keys, so it is let through, and so
 * is Actuator's Prometheus endpoint (a test application: scrape it without a login).
 */
@Configuration
public class Security {

    @Bean
    SecurityFilterChain filters(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/switchboard/api/**", "/actuator/**").permitAll()
                        .anyRequest().authenticated())
                .formLogin(Customizer.withDefaults())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/orders", "/switchboard/api/**"));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice").password("{noop}alice-password").roles("CUSTOMER").build(),
                User.withUsername("bob").password("{noop}bob-password").roles("CUSTOMER").build());
    }
}
