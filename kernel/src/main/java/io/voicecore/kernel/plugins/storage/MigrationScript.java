package io.voicecore.kernel.plugins.storage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One versioned migration of a plugin: {@code db/migration/V<version>__<description>.sql} in its jar.
 *
 * @param fileName e.g. {@code V1__contacts.sql}
 * @param sql      the file's text (UTF-8)
 */
public record MigrationScript(String fileName, String sql) {
    /** Flyway's versioned naming: {@code V1__x.sql}, {@code V1.2__x.sql}, {@code V1_2__x.sql}. */
    static final Pattern VERSIONED = Pattern.compile("V(\\d+(?:[._]\\d+)*)__(.+)\\.sql");

    public MigrationScript {
        if (!VERSIONED.matcher(fileName).matches()) {
            throw new IllegalArgumentException("'" + fileName + "' is not a versioned migration name: use V<version>__<description>.sql, "
                                               + "e.g. V1__contacts.sql (repeatable migrations and callback scripts are not supported)");
        }
    }

    /** The version part, e.g. {@code 1.2}. */
    public String version() {
        Matcher m = VERSIONED.matcher(fileName);
        m.matches();
        return m.group(1).replace('_', '.');
    }
}
