# The envelope of an amplitude-modulated tone is the magnitude of its analytic signal.
set samples {}
for {set i 0} {$i < 64} {incr i} {
    lappend samples [expr {(1.0 + 0.5 * cos(2 * acos(-1) * $i / 64)) * cos(2 * acos(-1) * 8 * $i / 64)}]
}
set envelope [torch::tensor_abs [torch::hilbert [torch::tensor_create $samples]]]
puts "envelope max [torch::tensor_item [torch::tensor_max $envelope]]"
puts "envelope min [torch::tensor_item [torch::tensor_min $envelope]]"
