# Two rows of very different magnitude: each row (axis 0) gets its own step size.
set w [torch::tensor_create {{0.02 -0.05 0.07} {12.0 -30.0 45.0}}]
set scales [torch::tensor_create {0.001 0.5}]
set zeros [torch::tensor_create -data {0 0} -dtype int64]
set q [torch::quantize_per_channel -input $w -scales $scales -zeroPoints $zeros -axis 0 -dtype qint8]
puts [torch::tensor_print [torch::int_repr $q]]
