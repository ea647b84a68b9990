package dev.switchboard.spring;

import dev.switchboard.settings.Settings;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** switchboard.* from a Spring environment, as application.properties would give them. */
class SpringSettingsTest {

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addLast(new MapPropertySource("application.properties", properties));
        return environment;
    }

    @Test
    void camelCaseAndKebabCaseNamesBothWorkAndUnsetOnesKeepTheirDefault() {
        Settings s = SpringSettings.from(environment(Map.of("switchboard.historySize", "7",
                "switchboard.chat-path", "/switchboard/ws/chat", "switchboard.guests", "false")));
        assertEquals(7, s.getInt(Settings.Key.HISTORY_SIZE));
        assertEquals("/switchboard/ws/chat", s.get(Settings.Key.CHAT_PATH));
        assertEquals(false, s.getBoolean(Settings.Key.GUESTS));
        assertEquals("/ws/notifications", s.get(Settings.Key.NOTIFICATIONS_PATH));
    }

    @Test
    void aBadValueNamesTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpringSettings.from(environment(Map.of("switchboard.max-text-chars", "many"))));
        assertTrue(e.getMessage().contains("maxTextChars"), e.getMessage());
    }

    @Test
    void kebabCaseOfASettingName() {
        assertEquals("switchboard.max-connections-per-user", SpringSettings.kebab("switchboard.maxConnectionsPerUser"));
    }
}
