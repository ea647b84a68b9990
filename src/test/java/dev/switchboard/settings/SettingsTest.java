package dev.switchboard.settings;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every setting is read once, from init-params, then system properties, then the environment. */
class SettingsTest {

    @Test
    void initParamsWinOverSystemPropertiesWhichWinOverTheEnvironment() {
        Map<String, String> init = Map.of("switchboard.historySize", "7");
        Map<String, String> props = Map.of("switchboard.historySize", "8", "switchboard.historyPage", "9");
        Map<String, String> env = Map.of("SWITCHBOARD_HISTORY_SIZE", "10", "SWITCHBOARD_HISTORY_PAGE", "11",
                "SWITCHBOARD_MAX_TEXT_CHARS", "12");
        Settings s = Settings.load(init::get, props::get, env::get);
        assertEquals(7, s.getInt(Settings.Key.HISTORY_SIZE));
        assertEquals(9, s.getInt(Settings.Key.HISTORY_PAGE));
        assertEquals(12, s.getInt(Settings.Key.MAX_TEXT_CHARS));
        assertEquals(65536, s.getInt(Settings.Key.MAX_MESSAGE_BYTES), "the default");
    }

    @Test
    void environmentNamesAreUpperSnakeCase() {
        assertEquals("SWITCHBOARD_MAX_CONNECTIONS_PER_USER", Settings.Key.MAX_CONNECTIONS_PER_USER.environmentName());
        assertEquals("switchboard.redisUrl", Settings.Key.REDIS_URL.propertyName());
    }

    @Test
    void anInvalidNumberStopsTheStartNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Settings.load(n -> n.equals("switchboard.historySize") ? "lots" : null, n -> null, n -> null));
        assertTrue(e.getMessage().contains("historySize"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Settings.load(n -> n.equals("switchboard.heartbeatMs") ? "-1" : null, n -> null, n -> null));
    }

    @Test
    void listsAreTrimmedAndBooleansAreCaseInsensitive() {
        Settings s = Settings.load(Map.of("switchboard.allowedOrigins", " https://a.example , ,https://b.example",
                "switchboard.guests", "FALSE")::get, n -> null, n -> null);
        assertEquals(java.util.List.of("https://a.example", "https://b.example"), s.getList(Settings.Key.ALLOWED_ORIGINS));
        assertFalse(s.getBoolean(Settings.Key.GUESTS));
    }

    @Test
    void secretsAreMaskedInTheStartUpLine() {
        Settings s = Settings.load(Map.of("switchboard.tokenSecret", "hunter2",
                "switchboard.publisherKey", "pk-123")::get, n -> null, n -> null);
        assertFalse(s.toString().contains("hunter2"), s.toString());
        assertFalse(s.toString().contains("pk-123"), s.toString());
        assertTrue(s.toString().contains("tokenSecret=****"));
    }
}
