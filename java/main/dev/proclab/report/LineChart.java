package dev.proclab.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/** Line charts for the HTML pages: drawn by JFreeChart, written as an SVG element by JFreeSVG. */
public final class LineChart {
    /** One line: its points, and whether it is drawn dashed without markers (a fitted line). */
    public record Series(String name, double[] x, double[] y, boolean fitted) {}

    private static final Color[] COLORS = {
        new Color(0xc62828), new Color(0x1565c0), new Color(0x2e7d32), new Color(0x6a1b9a), new Color(0xef6c00), new Color(0x546e7a)};

    private LineChart() {}

    /** An {@code <svg>} element, width × height pixels; {@code logY}: a logarithmic y axis (every y must be above 0). */
    public static String svg(String title, String xLabel, String yLabel, List<Series> series, int width, int height, boolean logY) {
        System.setProperty("java.awt.headless", "true"); // fonts and metrics only: no display is needed
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries xy = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) xy.add(s.x()[i], s.y()[i]);
            data.addSeries(xy);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(new Color(0xfafbfc));
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        int colour = 0;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            // a fitted line takes the colour of the series before it
            Color c = COLORS[(s.fitted() && i > 0 ? colour - 1 : colour++) % COLORS.length];
            r.setSeriesPaint(i, c);
            r.setSeriesShapesVisible(i, !s.fitted());
            r.setSeriesStroke(i, s.fitted()
                    ? new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
        }
        plot.setRenderer(r);
        if (logY) {
            LogAxis y = new LogAxis(yLabel);
            y.setBase(10);
            y.setStandardTickUnits(NumberAxis.createIntegerTickUnits()); // ticks at whole powers of 10
            y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
            y.setMinorTickMarksVisible(true);
            y.setLabelFont(plot.getRangeAxis().getLabelFont());
            plot.setRangeAxis(y);
        }
        SVGGraphics2D g = new SVGGraphics2D(width, height);
        chart.draw(g, new Rectangle(0, 0, width, height));
        return g.getSVGElement();
    }
}
