package dev.switchboard.core;

import dev.switchboard.settings.Settings;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's settings table is the documentation of {@link Settings}: it must list every setting with its default. */
class ReadmeTest {

    @Test
    void theSettingsTableListsEverySettingWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> documented = new ArrayList<>();
        for (String line : readme.split("\n")) {
            if (line.startsWith("| `")) {
                documented.add(line.substring(3, line.indexOf('`', 3)));
            }
        }
        List<String> expected = new ArrayList<>();
        for (Settings.Key key : Settings.Key.values()) {
            expected.add(key.settingName());
            String shown = key.defaultValue().isEmpty() ? "(empty)" : "`" + key.defaultValue() + "`";
            assertTrue(readme.contains("| `" + key.settingName() + "` | " + shown + " | " + key.description() + " |"),
                    "README row for " + key.settingName());
        }
        assertEquals(expected, documented.stream().filter(expected::contains).toList());
        assertTrue(documented.containsAll(expected));
    }

    @Test
    void environmentNamesAreUpperSnakeCase() {
        assertEquals("SWITCHBOARD_HISTORY_SIZE", Settings.Key.HISTORY_SIZE.environmentName());
        assertEquals("switchboard.historySize", Settings.Key.HISTORY_SIZE.propertyName());
    }

    @Test
    void initParamsWinOverPropertiesWhichWinOverEnvironment() {
        Settings s = Settings.load(n -> n.equals("switchboard.historySize") ? "7" : null,
                n -> n.equals("switchboard.historySize") || n.equals("switchboard.historyPage") ? "8" : null,
                n -> n.startsWith("SWITCHBOARD_HISTORY") || n.equals("SWITCHBOARD_MAX_TEXT_CHARS") ? "9" : null);
        assertEquals(7, s.getInt(Settings.Key.HISTORY_SIZE));
        assertEquals(8, s.getInt(Settings.Key.HISTORY_PAGE));
        assertEquals(9, s.getInt(Settings.Key.MAX_TEXT_CHARS));
        assertEquals(65536, s.getInt(Settings.Key.MAX_MESSAGE_BYTES));
    }

    @Test
    void aBadNumberNamesTheSetting() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Settings.load(n -> n.equals("switchboard.historySize") ? "lots" : null, n -> null, n -> null));
        assertTrue(e.getMessage().contains("historySize"), e.getMessage());
    }
}
