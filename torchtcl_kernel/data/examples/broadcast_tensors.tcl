# A column of prices and a row of tax rates, spread to one common 3 x 2 grid each.
set prices [torch::tensor_create -data {10.0 20.0 30.0} -shape {3 1}]
set rates [torch::tensor_create {1.05 1.2}]
lassign [torch::broadcast_tensors $prices $rates] p r
puts "shapes: [torch::tensor_shape $p] and [torch::tensor_shape $r]"
puts [torch::tensor_print [torch::tensor_mul $p $r]]
