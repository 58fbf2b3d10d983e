/* Draws the deployments page's weekly DORA figures with ECharts (from the echarts-api plugin). The data comes in a data
   attribute, so the page needs no inline script. */
(function () {
  function textColor() {
    const value = getComputedStyle(document.body).getPropertyValue("--text-color");
    return value && value.trim() ? value.trim() : "#333";
  }

  function draw(holder) {
    const data = JSON.parse(holder.dataset.chart);
    const titles = {
      frequency: holder.dataset.titleFrequency,
      leadTimeHours: holder.dataset.titleLeadTime,
      changeFailureRate: holder.dataset.titleFailureRate,
      timeToRestoreHours: holder.dataset.titleRestore,
    };
    const color = textColor();
    holder.querySelectorAll(".snfd-dora-chart").forEach(function (element) {
      const series = element.dataset.series;
      const chart = echarts.init(element);
      chart.setOption({
        title: { text: titles[series], left: "center", textStyle: { fontSize: 13, color: color } },
        tooltip: { trigger: "axis" },
        grid: { left: 45, right: 15, top: 35, bottom: 30 },
        xAxis: { type: "category", data: data.weeks, axisLabel: { color: color } },
        yAxis: { type: "value", minInterval: series === "frequency" ? 1 : 0, max: series === "changeFailureRate" ? 100 : null,
          axisLabel: { color: color } },
        series: [{
          type: series === "frequency" ? "bar" : "line",
          data: data[series],
          connectNulls: false,
          itemStyle: { color: series === "changeFailureRate" ? "#d24939" : "#138347" },
        }],
      });
      window.addEventListener("resize", function () {
        chart.resize();
      });
    });
  }

  function start() {
    document.querySelectorAll(".snfd-dora-charts").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
