# How GradScaler's scale moves when the largest gradient is 16: the default initial scale of
# 2^16 overflows float16 until five backoffs bring it to 2^11, then the scale probes upwards
# every -growthInterval clean steps (here 50) and backs off again.
set run [torch::amp_explore -gradMax 16 -growthInterval 50 -steps 200]
puts "skipped steps: [dict get $run skipped]"
puts "fraction skipped: [dict get $run skipped_fraction]"
puts "scale after the run: [dict get $run final_scale]"
