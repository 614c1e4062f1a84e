# exp of {{0 -t} {t 0}} is a rotation by t radians; t = pi/2 turns x into y.
set t [expr {acos(-1) / 2}]
set gen [torch::tensor_create [list [list 0.0 [expr {-$t}]] [list $t 0.0]]]
set rot [torch::tensor_matrix_exp $gen]
puts [torch::tensor_print [torch::tensor_matmul $rot [torch::tensor_create {1.0 0.0}]]]
