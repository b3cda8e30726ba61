package io.voicecore.marketplace.analytics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Install activity of a listing (or one of its versions) over a day or a period.
 *
 * @param installs      tenants that installed it while they did not have it
 * @param upgrades      tenants that had it installed and moved to another version (counted for the version moved to)
 * @param uninstalls    tenants that uninstalled it (counted for the version they had)
 * @param activeTenants tenants that have it installed at the end of the day (of the period's last day)
 */
public record Activity(long installs, long upgrades, long uninstalls, long activeTenants) {
    public static final Activity NONE = new Activity(0, 0, 0, 0);

    /** The activity of this period followed by {@code later}: counts add up, active tenants are the later ones. */
    Activity then(Activity later) {
        return new Activity(installs + later.installs, upgrades + later.upgrades, uninstalls + later.uninstalls, later.activeTenants);
    }

    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("installs", installs);
        view.put("upgrades", upgrades);
        view.put("uninstalls", uninstalls);
        view.put("activeTenants", activeTenants);
        return view;
    }
}
