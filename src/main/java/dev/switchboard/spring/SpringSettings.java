package dev.switchboard.spring;

import dev.switchboard.settings.Settings;
import org.springframework.core.env.Environment;

/**
 * Switchboard's settings in a Spring application: {@code switchboard.NAME} from the Spring {@link Environment}
 * ({@code application.properties}/{@code .yml}, profiles, command-line arguments, and system properties and
 * environment variables in Spring's own order), in the documented camel case ({@code switchboard.historySize}) or in
 * Spring's kebab case ({@code switchboard.history-size}); then, as everywhere, the system property and the
 * environment variable {@code SWITCHBOARD_HISTORY_SIZE}.
 */
public final class SpringSettings {

    private SpringSettings() {
    }

    public static Settings from(Environment environment) {
        return Settings.load(property -> {
            String value = environment.getProperty(property);
            return value != null ? value : environment.getProperty(kebab(property));
        }, System::getProperty, System::getenv);
    }

    /** {@code switchboard.historySize} → {@code switchboard.history-size} */
    static String kebab(String property) {
        StringBuilder out = new StringBuilder(property.length() + 4);
        for (char c : property.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
