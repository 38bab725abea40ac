# Turning result rows into Markdown: sourced by bench/run.sh. Knows nothing about how rows were made.

# bench_table RESULTS TARGETS SUBJECT METRIC
#
# RESULTS: rows "name case wall_s peak_kib metric status" (tab-separated, see measure.sh).
# TARGETS: rows "case peer wall_max rss_max" (tab-separated; "-" for no target). Every row names one
#   comparison of SUBJECT against a peer in that case, in the order to print.
# Prints a table of the runs, then one of the ratios SUBJECT/peer with their targets.
bench_table() {
  local results=$1 targets=$2 subject=$3 metric=$4
  awk -F '\t' -v subject="$subject" -v metric="$metric" '
    function mib(k) { return k == "-" ? "-" : sprintf("%.0f", k / 1024) }
    function num(v) { return v == "-" ? "-" : sprintf("%.5f", v) }
    function ratio(a, b) { return (a == "-" || b == "-" || b == 0) ? "-" : sprintf("%.2fx", a / b) }
    function verdict(r, t) {
      if (t == "-") return "";
      if (r == "-") return " (target <= " t "x: not measured)";
      return (substr(r, 1, length(r) - 1) + 0 <= t + 0) ? " (target <= " t "x: met)" : " (target <= " t "x: MISSED)";
    }
    function better(a, b) { return b == "-" ? a : a == "-" ? b : (a + 0 < b + 0 ? a : b) }
    FNR == NR {
      key = $1 SUBSEP $2
      # several rows of one way (alternated passes): the lowest wall and RSS, the last metric; a
      # failed or skipped pass leaves its status
      if (!(key in wall)) { order[++n] = key; wall[key] = $3; kib[key] = $4; val[key] = $5; status[key] = $6; next }
      if (status[key] != "ok") next
      if ($6 != "ok") { wall[key] = "-"; kib[key] = "-"; status[key] = $6; next }
      wall[key] = better($3, wall[key]); kib[key] = better($4, kib[key]); val[key] = $5
      next
    }
    { cmp[++m] = $0 }
    END {
      print "| run | case | wall s | peak RSS MiB | final " metric " | status |"
      print "|---|---|---:|---:|---:|---|"
      for (i = 1; i <= n; i++) {
        split(order[i], p, SUBSEP)
        printf "| %s | %s | %s | %s | %s | %s |\n", p[1], p[2], wall[order[i]], mib(kib[order[i]]), num(val[order[i]]), status[order[i]]
      }
      print ""
      print "| case | " subject " / peer | wall | peak RSS |"
      print "|---|---|---|---|"
      for (j = 1; j <= m; j++) {
        split(cmp[j], t, "\t")
        s = subject SUBSEP t[1]; q = t[2] SUBSEP t[1]
        w = ratio(wall[s], wall[q]); r = ratio(kib[s], kib[q])
        printf "| %s | %s / %s | %s%s | %s%s |\n", t[1], subject, t[2], w, verdict(w, t[3]), r, verdict(r, t[4])
      }
    }
  ' "$results" "$targets"
}
