package dev.switchboard.auth;

import dev.switchboard.settings.Settings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client's address behind reverse proxies ({@code trustedProxies}: addresses or CIDRs). Only when the peer is a
 * trusted proxy is {@code X-Forwarded-For} read, from the right: each trusted hop is skipped, and the first hop that
 * is not a trusted proxy is the client (hops further left were written by the client itself and prove nothing).
 * Without the setting the peer's address counts, whatever a client puts in the header. The address keys the
 * per-address connection cap and the logs.
 *
 * <p>Only IP literals are read (no name is ever resolved); a hop that is not one ends the walk at the last trusted
 * hop. At most {@value #MAX_HOPS} hops are looked at.
 */
public final class TrustedProxies {

    static final int MAX_HOPS = 32;
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3}(?:\\.\\d{1,3}){3})(?::\\d{1,5})?");
    private static final Pattern IPV6 = Pattern.compile("\\[?([0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)]?(?::\\d{1,5})?");

    private record Cidr(byte[] network, int bits) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Cidr> proxies = new ArrayList<>();

    /** Throws {@link IllegalArgumentException} naming the setting for an entry that is not an address or CIDR. */
    public TrustedProxies(Settings settings) {
        for (String entry : settings.getList(Settings.Key.TRUSTED_PROXIES)) {
            int slash = entry.indexOf('/');
            byte[] address = literal(slash < 0 ? entry : entry.substring(0, slash));
            int bits = -1;
            try {
                bits = address == null ? -1 : slash < 0 ? address.length * 8 : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                // reported below
            }
            if (address == null || bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("setting " + Settings.Key.TRUSTED_PROXIES.settingName() + " / "
                        + Settings.Key.TRUSTED_PROXIES.environmentName() + ": \"" + entry
                        + "\" is not an IP address or CIDR (e.g. 10.0.0.0/8, 127.0.0.1, ::1)");
            }
            proxies.add(new Cidr(address, bits));
        }
    }

    /**
     * The client's address: {@code peer} itself unless it is a trusted proxy; then the right-most hop of the
     * {@code X-Forwarded-For} values (in the order the headers came) that is not a trusted proxy.
     */
    public String client(String peer, Iterable<String> forwardedFor) {
        byte[] peerAddress = proxies.isEmpty() ? null : literal(peer);
        if (peerAddress == null || !trusted(peerAddress) || forwardedFor == null) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String hop : value.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= Math.max(0, hops.size() - MAX_HOPS); i--) {
            byte[] hop = literal(hops.get(i));
            if (hop == null) {
                return client;
            }
            client = text(hop);
            if (!trusted(hop)) {
                return client;
            }
        }
        return client;
    }

    private boolean trusted(byte[] address) {
        for (Cidr proxy : proxies) {
            if (proxy.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of an IPv4 or IPv6 literal (an IPv4 port or IPv6 brackets allowed), or null; never resolves a name. */
    static byte[] literal(String text) {
        if (text == null || text.length() > 64) {
            return null;
        }
        Matcher v4 = IPV4.matcher(text);
        if (v4.matches()) {
            String[] octets = v4.group(1).split("\\.");
            byte[] address = new byte[4];
            for (int i = 0; i < 4; i++) {
                int octet = Integer.parseInt(octets[i]);
                if (octet > 255) {
                    return null;
                }
                address[i] = (byte) octet;
            }
            return address;
        }
        Matcher v6 = IPV6.matcher(text);
        if (!v6.matches()) {
            return null;
        }
        try {
            // in brackets the JDK parses an IPv6 literal or throws; it never looks the text up as a host name
            return InetAddress.getByName("[" + v6.group(1) + "]").getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String text(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length, which literal() never returns
        }
    }
}
