# The raw int8 codes behind a qint8 tensor: round(x / 0.1) + 5.
set x [torch::tensor_create {-1.0 -0.26 0.0 0.44}]
set q [torch::quantize_per_tensor $x 0.1 5 qint8]
set codes [torch::int_repr -input $q]
puts "[torch::tensor_print $codes] [torch::tensor_dtype $codes]"
