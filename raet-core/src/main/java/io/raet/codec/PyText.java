package io.raet.codec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Number spellings of the reference's Python: {@code repr(float)} and {@code format(x, 'f')}. */
final class PyText {
    private PyText() {}

    /**
     * Python's {@code repr} of a finite double: the shortest decimal that rounds back to it, written in fixed
     * notation with at least one fractional digit when the decimal exponent is in (-4, 16], else as
     * {@code d.ddde+XX}. Non-finite values are spelled as Python's {@code json} module writes them.
     */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        boolean negative = d < 0 || (d == 0.0 && 1.0 / d < 0);
        double a = Math.abs(d);
        if (a == 0.0) {
            return negative ? "-0.0" : "0.0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(a)).stripTrailingZeros();
        if (shortest.precision() <= 2) {
            // Double.toString never answers with one digit when one is enough; look for a one-digit decimal.
            BigDecimal exact = new BigDecimal(a);
            BigDecimal best = null;
            for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
                BigDecimal c = exact.round(new MathContext(1, mode));
                if (c.doubleValue() == a && (best == null
                        || c.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = c;
                }
            }
            if (best != null) {
                shortest = best.stripTrailingZeros();
            }
        }
        String digits = shortest.unscaledValue().toString();
        int decpt = digits.length() - shortest.scale();
        StringBuilder sb = new StringBuilder(32);
        if (negative) {
            sb.append('-');
        }
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) {
                sb.append("0.");
                sb.repeat('0', -decpt);
                sb.append(digits);
            } else if (decpt >= digits.length()) {
                sb.append(digits);
                sb.repeat('0', decpt - digits.length());
                sb.append(".0");
            } else {
                sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
            }
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            sb.append('e').append(exp < 0 ? '-' : '+');
            int e = Math.abs(exp);
            if (e < 10) {
                sb.append('0');
            }
            sb.append(e);
        }
        return sb.toString();
    }

    /** Python's {@code '{:f}'.format(d)} for a finite double: exact value rounded half-even to six decimals. */
    static String fixed6(double d) {
        String s = new BigDecimal(d).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = d < 0 || (d == 0.0 && 1.0 / d < 0);
        if (negative && s.charAt(0) != '-') {
            s = "-" + s;
        }
        return s;
    }
}
