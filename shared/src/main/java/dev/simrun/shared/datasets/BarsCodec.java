package dev.simrun.shared.datasets;

import dev.simrun.kinds.Bars;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;

/**
 * How bars are stored: column by column (times as a first value and then varint deltas, each price
 * column and volume as raw doubles), the whole deflated. Columns compress far better than rows:
 * neighbouring times differ by the same step and neighbouring prices share sign and exponent bytes.
 * Version 1 begins with {@code SRB1}.
 */
public final class BarsCodec {
  private static final int MAGIC = 0x53524231; // "SRB1"

  private BarsCodec() {}

  public static byte[] encode(Bars bars) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(bars.size() * 24 + 64);
    try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes))) {
      out.writeInt(MAGIC);
      out.writeInt(bars.size());
      long previous = 0;
      for (int i = 0; i < bars.size(); i++) {
        long t = bars.time()[i];
        if (i == 0) {
          out.writeLong(t);
        } else {
          writeVarLong(out, t - previous);
        }
        previous = t;
      }
      for (double[] column :
          new double[][] {bars.open(), bars.high(), bars.low(), bars.close(), bars.volume()}) {
        for (double v : column) {
          out.writeDouble(v);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Bars decode(byte[] stored) {
    try (DataInputStream in =
        new DataInputStream(
            new InflaterInputStream(
                new java.io.ByteArrayInputStream(stored), new java.util.zip.Inflater(), 1 << 16))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a stored bar set (version 1)");
      }
      int n = in.readInt();
      long[] time = new long[n];
      for (int i = 0; i < n; i++) {
        time[i] = i == 0 ? in.readLong() : time[i - 1] + readVarLong(in);
      }
      double[][] columns = new double[5][n];
      for (double[] column : columns) {
        for (int i = 0; i < n; i++) {
          column[i] = in.readDouble();
        }
      }
      return new Bars(time, columns[0], columns[1], columns[2], columns[3], columns[4]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeVarLong(DataOutputStream out, long v) throws IOException {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  private static long readVarLong(DataInputStream in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("varint too long");
  }
}
