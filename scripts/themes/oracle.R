# The theme scan's judgement of a month checked against R's surveillance::farringtonFlexible
# (Debian's r-cran-surveillance) on the same series: `ekn themes study --export DIR` writes the
# series (series.csv) and ЭКН's judgement of each series' last three months (judged.csv); this
# judges the same months with farringtonFlexible under the same settings and prints how often
# the two agree on "above the bound", and how close the bounds and expectations are.
#
#   Rscript scripts/themes/oracle.R DIR
#
# Settings matched to analytics::farrington::FarringtonParams::default(): b = 5 years, w = 1
# month, alpha = 0.01 (one-sided upper quantile), reweighting above Anscombe residual 2.58, a
# trend kept at p < 0.05, the negative binomial plug-in threshold (Noufaily et al. 2013), no
# seasonal factor (noPeriods = 1), no population offset, and an alarm only with at least 3 cases
# in the month (limit54 = c(3, 1)).
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
dir <- if (length(args) > 0) args[1] else "."
series <- read.csv(file.path(dir, "series.csv"))
ours <- read.csv(file.path(dir, "judged.csv"))

control <- list(range = 70:72, b = 5, w = 1, reweight = TRUE, weightsThreshold = 2.58,
                alpha = 0.01, trend = TRUE, pThresholdTrend = 0.05, limit54 = c(3, 1),
                powertrans = "none", fitFun = "algo.farrington.fitGLM.flexible",
                populationOffset = FALSE, noPeriods = 1, pastWeeksNotIncluded = 1,
                thresholdMethod = "nbPlugin")
rows <- list()
for (key in unique(paste(series$world, series$cell))) {
  parts <- as.integer(strsplit(key, " ")[[1]])
  s <- series[series$world == parts[1] & series$cell == parts[2], ]
  s <- s[order(s$month), ]
  sts <- sts(observed = matrix(s$count, ncol = 1), frequency = 12, start = c(2020, 1))
  res <- tryCatch(suppressWarnings(farringtonFlexible(sts, control = control)), error = function(e) NULL)
  if (is.null(res)) next
  rows[[length(rows) + 1]] <- data.frame(world = parts[1], cell = parts[2], month = 69:71,
                                         r_upper = as.numeric(upperbound(res)),
                                         r_expected = as.numeric(res@control$mu0Vector), r_phi = as.numeric(res@control$phiVector), r_trend = as.numeric(res@control$trend),
                                         r_alarm = as.integer(alarms(res)))
}
r <- do.call(rbind, rows)
both <- merge(ours, r, by = c("world", "cell", "month"))
ok <- is.finite(both$r_upper)
both <- both[ok, ]
agree <- mean(both$exceeds == both$r_alarm)
cat(sprintf("series-months compared: %d\n", nrow(both)))
cat(sprintf("agreement on 'above the bound': %.4f (ЭКН %d alarms, R %d, both %d)\n", agree,
            sum(both$exceeds), sum(both$r_alarm), sum(both$exceeds & both$r_alarm)))
cat(sprintf("expected: median |ЭКН − R| / R = %.4f; upper bound equal in %.4f of months, within 1 in %.4f\n",
            median(abs(both$expected - both$r_expected) / pmax(both$r_expected, 1e-9)),
            mean(both$upper == both$r_upper), mean(abs(both$upper - both$r_upper) <= 1)))
if (Sys.getenv("EKN_ORACLE_DETAIL") != "") {
  both$rel <- abs(both$expected - both$r_expected) / pmax(both$r_expected, 1e-9)
  print(head(both[order(-both$rel), c("world", "cell", "month", "observed", "expected", "upper", "r_expected", "r_upper", "r_phi", "r_trend")], 15))
}
# R's own judgements, kept beside the series for the test that compares without R
# (tests/core/themes.rs reads tests/core/snapshots/farrington/).
write.csv(r[, c("world", "cell", "month", "r_expected", "r_upper", "r_alarm")], file.path(dir, "r_judged.csv"), row.names = FALSE)
