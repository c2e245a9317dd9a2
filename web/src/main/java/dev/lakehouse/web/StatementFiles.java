package dev.lakehouse.web;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** A statement as a download: CSV (RFC 4180, written by univocity) or PDF (written by PDFBox). */
final class StatementFiles {
  static final List<String> CSV_COLUMNS =
      List.of(
          "event_ts",
          "transaction_id",
          "txn_type",
          "status",
          "merchant",
          "merchant_city",
          "amount",
          "currency",
          "amount_inr",
          "balance_effect_inr",
          "balance_after_inr");

  private StatementFiles() {}

  /**
   * The header block (one row of account, month and the totals), a blank line, then one row per
   * transaction; CRLF line ends and quotes where a field needs them, as RFC 4180 says.
   */
  static byte[] csv(Statement s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CsvWriterSettings settings = new CsvWriterSettings();
    settings.getFormat().setLineSeparator("\r\n");
    settings.setQuoteEscapingEnabled(true);
    try (Writer out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
      CsvWriter w = new CsvWriter(out, settings);
      w.writeRow(
          "account_id",
          "customer_id",
          "month",
          "opening_balance_inr",
          "credits_inr",
          "debits_inr",
          "fees_inr",
          "closing_balance_inr",
          "transactions");
      w.writeRow(
          s.accountId(),
          s.customerId(),
          s.month().toString(),
          plain(s.openingBalance()),
          plain(s.credits()),
          plain(s.debits()),
          plain(s.fees()),
          plain(s.closingBalance()),
          String.valueOf(s.lines().size()));
      w.writeEmptyRow();
      w.writeRow(CSV_COLUMNS);
      for (Statement.Line l : s.lines()) {
        w.writeRow(
            l.eventTs(),
            l.transactionId(),
            l.txnType(),
            l.status(),
            l.merchant(),
            l.merchantCity(),
            plain(l.amount()),
            l.currency(),
            plain(l.amountInr()),
            plain(l.balanceEffect()),
            plain(l.balanceAfter()));
      }
      w.close();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write the statement as CSV: " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  private static String plain(BigDecimal v) {
    return v == null ? null : v.toPlainString();
  }

  /** Money as people read it: thousands separated, two decimals. */
  static String money(BigDecimal v) {
    return v == null ? "" : String.format("%,.2f", v);
  }

  /** An A4 statement: a header with the totals, then the transactions over as many pages. */
  static byte[] pdf(Statement s) {
    PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    try (PDDocument doc = new PDDocument()) {
      PDDocumentInformation info = doc.getDocumentInformation();
      info.setTitle("Statement " + s.accountId() + " " + s.month());
      info.setCreator("lakehouse serve");
      List<String[]> rows = new ArrayList<>();
      for (Statement.Line l : s.lines()) {
        rows.add(
            new String[] {
              l.eventTs().replace('T', ' ').replace("Z", ""),
              l.txnType() + " " + l.status(),
              l.merchant() == null ? "" : l.merchant(),
              l.amount().toPlainString() + " " + l.currency(),
              money(l.balanceEffect()),
              money(l.balanceAfter())
            });
      }
      float[] x = {40, 150, 260, 400, 470, 540};
      boolean[] right = {false, false, false, true, true, true};
      String[] heads = {"Time (UTC)", "Type", "Merchant", "Amount", "Effect INR", "Balance INR"};
      int index = 0;
      boolean first = true;
      do {
        PDPage page = new PDPage(PDRectangle.A4);
        doc.addPage(page);
        float y = page.getMediaBox().getHeight() - 50;
        try (PDPageContentStream out = new PDPageContentStream(doc, page)) {
          if (first) {
            text(out, bold, 16, 40, y, "Monthly statement");
            y -= 22;
            text(
                out,
                regular,
                10,
                40,
                y,
                "Account " + s.accountId() + "   Customer " + s.customerId() + "   " + s.month());
            y -= 22;
            String[][] totals = {
              {"Opening balance", money(s.openingBalance()) + " INR"},
              {"Credits", money(s.credits()) + " INR"},
              {"Debits", money(s.debits()) + " INR"},
              {"of which fees", money(s.fees()) + " INR"},
              {"Closing balance", money(s.closingBalance()) + " INR"},
              {"Transactions", String.valueOf(s.lines().size())}
            };
            for (String[] t : totals) {
              text(out, regular, 10, 40, y, t[0]);
              textRight(out, bold, 10, 260, y, t[1]);
              y -= 14;
            }
            y -= 14;
            first = false;
          }
          for (int c = 0; c < heads.length; c++) {
            if (right[c]) {
              textRight(out, bold, 8, x[c] + 15, y, heads[c]);
            } else {
              text(out, bold, 8, x[c], y, heads[c]);
            }
          }
          y -= 12;
          while (index < rows.size() && y > 50) {
            String[] r = rows.get(index++);
            for (int c = 0; c < r.length; c++) {
              String cell = fit(regular, 8, r[c], c == 2 ? 130 : 110);
              if (right[c]) {
                textRight(out, regular, 8, x[c] + 15, y, cell);
              } else {
                text(out, regular, 8, x[c], y, cell);
              }
            }
            y -= 11;
          }
        }
      } while (index < rows.size());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      doc.save(bytes);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("Cannot write the statement as PDF: " + e.getMessage(), e);
    }
  }

  private static void text(
      PDPageContentStream out, PDType1Font font, float size, float x, float y, String s)
      throws IOException {
    out.beginText();
    out.setFont(font, size);
    out.newLineAtOffset(x, y);
    out.showText(encodable(font, s));
    out.endText();
  }

  private static void textRight(
      PDPageContentStream out, PDType1Font font, float size, float right, float y, String s)
      throws IOException {
    String e = encodable(font, s);
    text(out, font, size, right - font.getStringWidth(e) / 1000 * size, y, e);
  }

  /** The text cut to a width, with an ellipsis when it was longer. */
  private static String fit(PDType1Font font, float size, String s, float width)
      throws IOException {
    String e = encodable(font, s);
    if (font.getStringWidth(e) / 1000 * size <= width) {
      return e;
    }
    while (!e.isEmpty() && font.getStringWidth(e + "...") / 1000 * size > width) {
      e = e.substring(0, e.length() - 1);
    }
    return e + "...";
  }

  /** The characters the standard font cannot draw replaced by '?', so no name breaks the PDF. */
  private static String encodable(PDType1Font font, String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints()
        .forEach(
            cp -> {
              String ch = new String(Character.toChars(cp));
              try {
                font.encode(ch);
                sb.append(ch);
              } catch (IOException | IllegalArgumentException e) {
                sb.append('?');
              }
            });
    return sb.toString();
  }
}
