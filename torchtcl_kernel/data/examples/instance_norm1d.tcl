# Two recordings of 2 signals each, at different loudness: instance norm rescales every signal
# of every recording on its own to mean 0 and variance 1.
set x [torch::tensor_create {{{1 2 3 4} {10 10 30 30}} {{100 200 300 400} {-1 0 0 1}}}]
set y [torch::instance_norm1d $x]
foreach row [torch::tensor_to_list [torch::tensor_reshape $y {4 4}]] {
    puts [lmap v $row {format %.3f $v}]
}
