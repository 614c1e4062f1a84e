# The dimensions as a Tcl list: lindex and llength work on it.
set shape [torch::tensor_shape [torch::zeros {8 3 32}]]
puts "shape $shape: [llength $shape] dimensions, batch size [lindex $shape 0]"
puts "a 0-d tensor has the empty shape: {[torch::tensor_shape [torch::full {} 1]]}"
