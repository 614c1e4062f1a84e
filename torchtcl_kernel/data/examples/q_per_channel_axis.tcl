# Quantize a 3 x 2 matrix column by column (axis 1) and ask which axis that was.
set m [torch::tensor_create {{1.0 10.0} {2.0 20.0} {3.0 30.0}}]
set q [torch::quantize_per_channel $m [torch::tensor_create {0.1 1.0}] \
    [torch::tensor_create -data {0 0} -dtype int64] 1 qint8]
puts "axis: [torch::q_per_channel_axis $q]"
