# Spectral normalisation divides a weight matrix by its largest singular value (found by power
# iteration): afterwards the matrix stretches no vector by more than a factor of 1.
torch::manual_seed 1
set w [torch::tensor_create {{6.0 0.0} {0.0 2.0} {0.0 0.0}}]
set wn [torch::spectral_norm $w 10]
puts [lmap row [torch::tensor_to_list $wn] {lmap v $row {format %.3f $v}}]
# A layer's weight wrapped for good: the same handle comes back.
set critic [torch::linear 8 4]
puts "wrapped: [torch::spectralNorm $critic]"
