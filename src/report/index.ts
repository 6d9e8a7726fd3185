// HTML/SVG/PNG rendering of charts and reports (a leaf: the library and the CLI call it).
export { esc, niceTicks, tickLabel, lineChart, type Series, type LineChartOptions } from './svg.js';
export { confusionSvg } from './confusion.js';
export { learningCurveCharts, type CurvePoint } from './curves.js';
export { encodeGrayPng, grayPngDataUri, weightImages, base64 } from './png.js';
export { htmlPage, settingsTable } from './page.js';
export { htmlReport, type ReportFold } from './decode_report.js';
export { spikeReportHtml, type SpikeReport, type SpikeReportOutput, type RowMatrix } from './spike_report.js';
export { trainingReportHtml, type TrainingReport, type TrainingReportEpoch } from './training_report.js';
