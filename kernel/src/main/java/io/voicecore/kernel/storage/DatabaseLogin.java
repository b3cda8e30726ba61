package io.voicecore.kernel.storage;

/**
 * How to log in to the system of record as the kernel's administrative user: the one that runs the
 * kernel's migrations and may create roles and schemas (plugin databases need that).
 *
 * @param jdbcUrl  the JDBC URL of the kernel's database
 * @param user     the user name, empty for the driver's default
 * @param password the password, empty for none
 */
public record DatabaseLogin(String jdbcUrl, String user, String password) {

    /** The same login with another user and password, on the same database. */
    public DatabaseLogin as(String otherUser, String otherPassword) {
        return new DatabaseLogin(jdbcUrl, otherUser, otherPassword);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "DatabaseLogin[" + jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1***") + " as " + (user.isEmpty() ? "<default>" : user) + "]";
    }
}
