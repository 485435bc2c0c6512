package io.herald.contracts.messages;

/**
 * Kafka keys of {@code herald.event-types}: {@code event-type/<tenant>/<name>} for an {@link EventTypeState} and
 * {@code settings/<tenant>} for a {@link TenantSettingsState}. The key alone says what a tombstone removes. An event
 * type's name never contains '/', so the tenant is everything between the first and the last '/'.
 */
public final class EventCatalogKeys {

    public static final String EVENT_TYPE_PREFIX = "event-type/";
    public static final String SETTINGS_PREFIX = "settings/";

    private EventCatalogKeys() {
    }

    public static String eventType(String tenant, String name) {
        return EVENT_TYPE_PREFIX + tenant + "/" + name;
    }

    public static String settings(String tenant) {
        return SETTINGS_PREFIX + tenant;
    }

    /** What a key names: an event type (with its name) or a tenant's settings (name null); null if neither. */
    public static Parsed parse(String key) {
        if (key == null) {
            return null;
        }
        if (key.startsWith(SETTINGS_PREFIX) && key.length() > SETTINGS_PREFIX.length()) {
            return new Parsed(key.substring(SETTINGS_PREFIX.length()), null);
        }
        int last = key.lastIndexOf('/');
        if (key.startsWith(EVENT_TYPE_PREFIX) && last > EVENT_TYPE_PREFIX.length() && last < key.length() - 1) {
            return new Parsed(key.substring(EVENT_TYPE_PREFIX.length(), last), key.substring(last + 1));
        }
        return null;
    }

    /** A parsed key; {@code name} is null for a tenant's settings. */
    public record Parsed(String tenant, String name) {

        public boolean isSettings() {
            return name == null;
        }
    }
}
