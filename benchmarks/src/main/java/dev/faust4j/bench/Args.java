package dev.faust4j.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code key=value} arguments of a contender JVM. */
final class Args {
    final Map<String, String> values = new LinkedHashMap<>();

    Args(List<String> args) {
        for (String s : args) {
            int i = s.indexOf('=');
            if (i <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + s + "'");
            }
            values.put(s.substring(0, i), s.substring(i + 1));
        }
    }

    String string(String key, String dflt) {
        return values.getOrDefault(key, dflt);
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return v;
    }

    int integer(String key, int dflt) {
        return (int) number(key, dflt);
    }

    long number(String key, long dflt) {
        String v = values.get(key);
        return v == null ? dflt : Long.parseLong(v.replace("_", ""));
    }
}
