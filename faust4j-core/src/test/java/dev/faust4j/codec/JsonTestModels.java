package dev.faust4j.codec;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** Record and POJO types shared by the JSON codec tests. */
final class JsonTestModels {

    private JsonTestModels() {
    }

    @FaustRecord(namespace = "myapp.models.Withdrawal")
    record Withdrawal(String account_id, double amount) {
    }

    /** The two records from Faust's tests/functional/test_models.py nested example. */
    @FaustRecord(namespace = "t.Account")
    record Account(int id, int name, boolean active) {
    }

    @FaustRecord(namespace = "t.User")
    record User(int id, int username, Account account) {
    }

    record Unannotated(String a, Integer b) {
    }

    @FaustRecord(includeMetadata = false)
    record Plain(String a, long n) {
    }

    record Times(Instant instant, OffsetDateTime offset, LocalDate date, LocalDateTime local) {
    }

    record WithList(List<Account> accounts, Map<String, Double> scores) {
    }

    record Ints(int count, Long big, boolean flag, String text) {
    }

    @FaustRecord(namespace = "t.Pojo")
    public static final class Pojo {
        public String zeta;
        public int alpha;
        public Pojo() {
        }
        Pojo(String zeta, int alpha) {
            this.zeta = zeta;
            this.alpha = alpha;
        }
    }

    /** Deliberately unsafe annotation: proves the mapper refuses class names from data (reliability.md S4). */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS, include = JsonTypeInfo.As.PROPERTY, property = "@class")
    public static class Dangerous {
        public String s;
    }

    record Price(BigDecimal value) {
    }

    record Holder(String id, Object anything) {
    }

    record Outer(String label, @JsonUnwrapped Account account) {
    }

    record Prefixed(String label, @JsonUnwrapped(prefix = "acct_") Account account) {
    }

    record Rejecting(String s) {
        Rejecting {
            if (s == null || s.isEmpty()) {
                throw new IllegalArgumentException("s must not be empty: " + s);
            }
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
