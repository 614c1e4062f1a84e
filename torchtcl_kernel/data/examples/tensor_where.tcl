# Clip negatives to zero by choosing, element by element, between the tensor and a number.
set x [torch::tensor_create {-2.0 3.0 -0.5 1.0}]
set positive [torch::gt $x 0]
puts [torch::tensor_print [torch::tensor_where $positive $x 0.0]]
# With the condition alone: the indices where it holds.
set idx [torch::tensor_where -condition $positive]
puts [torch::tensor_print [lindex $idx 0]]
